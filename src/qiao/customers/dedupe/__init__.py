"""Duplicate detection (CUS-8, shared with OPP-3 and LEAD-4): which existing records the system
holds to be the same customer as a new one, with a score and the reasons.

One matcher serves every caller: customer creation and editing, the import preview (a batch of
100,000 rows at once), the lead capture form, opportunity registration, and the scan of the whole
database for clusters. The evidence, each normalized the way the stored keys are (customers/
chinese/):

- the unified social credit code: the same code is the same legal entity; two different codes are
  two entities (a branch office has its own);
- the phone numbers (national form, 138 1234 5678); a shared 400/800 hotline counts little;
- the company name taken apart into region, core, legal form and branch: the same core is the same
  company unless the regions say another city or one of them is a branch office; a homophone
  (same pinyin), an abbreviation or a close spelling is supporting evidence only;
- the same street address, as supporting evidence.

The functions here are `*_as_system`: a duplicate check must see across the permission scopes, or
two reps would register the same shop without knowing (OPP-3). Callers show the user only what
they may see (`matches_for_user`): a match the user cannot open is reported as a clash with its
owner's name, never with its data (PERM-3).

Candidates come from indexed look-ups only: Customer (org, name_key) and (org, unified_social_
credit_code), and equality on the stored normalized phone and mobile (docs/dedupe.md proposes the
two indexes that make those lookups indexed too); scoring runs in Python on the few candidates.

One module per concern (profiles, scoring, candidates, sources, checks, reports, clusters, rekey);
callers use them through this package (`dedupe.find_duplicates_as_system`, …)."""

from .candidates import customer_profile, customer_row
from .checks import find_duplicates_as_system, match_many_as_system
from .clusters import duplicate_clusters_as_system
from .profiles import Profile, make_profile
from .rekey import rekey_as_system
from .reports import DuplicateReport, matches_for_user
from .scoring import DUPLICATE_THRESHOLD, DuplicateMatch, is_duplicate, score_pair
from .sources import TYPES, MatchSource, match_types, register_match_source

__all__ = [
    "DUPLICATE_THRESHOLD",
    "TYPES",
    "DuplicateMatch",
    "DuplicateReport",
    "MatchSource",
    "Profile",
    "customer_profile",
    "customer_row",
    "duplicate_clusters_as_system",
    "find_duplicates_as_system",
    "is_duplicate",
    "make_profile",
    "match_many_as_system",
    "match_types",
    "matches_for_user",
    "register_match_source",
    "rekey_as_system",
    "score_pair",
]
