"""`/api/v1/opportunities/` (API-5) with an action per status change, `/api/v1/opportunity-stages/`
and `/api/v1/competitors/`. Registration is `POST /opportunities/`; the actions are
`POST /opportunities/{id}/submit|approve|return|resubmit|override|move-stage|win|lose/`, each one
service call. A transition the current state does not allow, or one someone else made first,
answers 409 with `{"detail", "code"}`; a stale `version` too (`code` "stale_version").

One module per concern: the opportunities' viewset (`opportunities.py`), its serializer and action
bodies (`serializers.py`), refusals as API answers (`refusals.py`), stages (`stages.py`) and
competitors (`competitors.py`); `api_urls.py` imports the viewsets from this package."""

from .competitors import CompetitorViewSet
from .opportunities import OpportunityViewSet
from .stages import StageViewSet

__all__ = ["CompetitorViewSet", "OpportunityViewSet", "StageViewSet"]
