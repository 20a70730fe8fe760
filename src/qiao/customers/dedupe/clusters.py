"""The whole database: clusters of duplicates for review (CUS-8), the organization's customers
blocked by their keys and the pairs within each block scored."""

from collections import defaultdict
from dataclasses import dataclass

from .candidates import CUSTOMER_COLUMNS, _customer_candidate, _profile_keys
from .profiles import HOTLINE_PREFIXES, Profile
from .scoring import DUPLICATE_THRESHOLD, score_pair

BLOCK_LIMIT = 60  # a key shared by more records is split by city before comparing pairs


@dataclass
class DuplicateCluster:
    ids: list[int]  # customers, oldest first
    score: float  # the best pair's score
    pairs: list[tuple[int, int, float, list[str]]]  # (id, id, score, reasons) of the matching pairs


def _scan_rows(org_id: int):
    from ..models import Customer

    return Customer.objects.filter(org_id=org_id).order_by("pk").values(*CUSTOMER_COLUMNS).iterator(chunk_size=5000)


def _city_of(profile: Profile) -> str:
    cities = sorted(code[:4] for code in profile.places if len(code) >= 4)
    return cities[0] if cities else ""


def duplicate_clusters_as_system(org_id: int, *, threshold: float = DUPLICATE_THRESHOLD) -> list[DuplicateCluster]:
    """Every group of live customers of the organization that the matcher holds to be one
    customer, the surest first. Records are blocked by name key, code and phone (the only ways two
    records reach the threshold); a block larger than BLOCK_LIMIT (a common name across the
    country, a chain's hotline) is compared within each city only."""
    profiles: dict[int, Profile] = {}
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in _scan_rows(org_id):
        candidate = _customer_candidate(row)
        profiles[candidate.id] = candidate.profile
        for key in _profile_keys(candidate.profile):
            if key[0] == "phone" and key[1].startswith(HOTLINE_PREFIXES):
                continue  # a shared hotline never reaches the threshold on its own
            blocks[key].append(candidate.id)

    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        while parent.get(pk, pk) != pk:
            parent[pk] = parent.get(parent[pk], parent[pk])
            pk = parent[pk]
        return pk

    scored: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        groups = [members]
        if len(members) > BLOCK_LIMIT:
            by_city: dict[str, list[int]] = defaultdict(list)
            for pk in members:
                by_city[_city_of(profiles[pk])].append(pk)
            groups = [group[:BLOCK_LIMIT] for group in by_city.values()]
        for group in groups:
            for index, first in enumerate(group):
                for second in group[index + 1 :]:
                    pair = (first, second)
                    if pair in scored:
                        continue
                    scored[pair] = score_pair(profiles[first], profiles[second])
                    if scored[pair][0] >= threshold:
                        parent[root(second)] = root(first)

    clusters: dict[int, DuplicateCluster] = {}
    for (first, second), (score, reasons) in scored.items():
        if score < threshold:
            continue
        cluster = clusters.setdefault(root(first), DuplicateCluster([], 0.0, []))
        cluster.pairs.append((first, second, score, reasons))
        cluster.score = max(cluster.score, score)
    for cluster in clusters.values():
        cluster.ids = sorted({pk for first, second, *_ in cluster.pairs for pk in (first, second)})
    return sorted(clusters.values(), key=lambda cluster: (-cluster.score, cluster.ids[0]))
