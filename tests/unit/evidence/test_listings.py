"""Dated authorisation lists: listed, not listed, removed on a date; makers' names; states."""

from __future__ import annotations

from datetime import date

import pytest

from aidregistry.domain.evidence.listings import (
    AuthorisationList,
    ListingEntry,
    ListingStatus,
    Lot,
    listing_status,
)
from aidregistry.domain.evidence.makers import maker_keys, name_key, split_scripts
from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.domain.evidence.states import (
    CertificateFacts,
    CertificateState,
    EvidencePolicy,
    automatic_state,
    coordinator_may_set,
    counted_schemes,
    counts_for_matching,
)

APPENDIX_A = AuthorisationList("FDA-EUA-CN-A", Scheme.FDA_EUA, date(2020, 4, 3), date(2021, 7, 6))
NIOSH = AuthorisationList("NIOSH-CEL", Scheme.NIOSH, match_by="number")
LISTS = {lst.code: lst for lst in (APPENDIX_A, NIOSH)}
LANSHAN = ListingEntry(1, APPENDIX_A.code, maker_keys("Lanshan Shendun Technology Co."),
                       removed_on=date(2020, 5, 7))
JIADAIFU = ListingEntry(2, APPENDIX_A.code, maker_keys("Jinhua Jiadaifu Medical Supplies Co., "
                                                       "Ltd."), listed_from=date(2020, 6, 23))
DASHENG = ListingEntry(3, NIOSH.code, maker_keys("Shanghai Dasheng"), number="TC-84A-4329")
ENTRIES = [LANSHAN, JIADAIFU, DASHENG]


def eua(maker: str) -> Lot:
    return Lot(Scheme.FDA_EUA, "EUA200628", maker_keys(maker))


@pytest.mark.parametrize(
    ("maker", "on", "status", "removed_on"),
    [
        ("Lanshan Shendun Technology Co., Ltd.", date(2020, 3, 30), ListingStatus.NOT_LISTED,
         None),  # before the EUA existed
        ("LANSHAN SHENDUN TECHNOLOGY CO. LTD", date(2020, 4, 10), ListingStatus.LISTED, None),
        ("Lanshan Shendun Technology Co.", date(2020, 5, 6), ListingStatus.LISTED, None),
        ("Lanshan Shendun Technology Co.", date(2020, 5, 7), ListingStatus.REMOVED,
         date(2020, 5, 7)),
        ("Jinhua Jiadaifu Medical Supplies Co Ltd", date(2020, 6, 22), ListingStatus.NOT_LISTED,
         None),
        ("Jinhua Jiadaifu Medical Supplies", date(2020, 6, 23), ListingStatus.LISTED, None),
        ("Jinhua Jiadaifu Medical Supplies", date(2021, 7, 6), ListingStatus.REMOVED,
         date(2021, 7, 6)),  # the EUA was revoked: every entry ends
        ("Lanshan Medical Co.", date(2020, 4, 10), ListingStatus.NOT_LISTED, None),
    ],
)
def test_appendix_a_for_any_planning_date(
    maker: str, on: date, status: ListingStatus, removed_on: date | None
) -> None:
    listing = listing_status(eua(maker), on, LISTS, ENTRIES)
    assert (listing.status, listing.removed_on) == (status, removed_on)


def test_niosh_approvals_are_matched_by_number_not_by_maker() -> None:
    lot = Lot(Scheme.NIOSH, "TC-84A-4329", maker_keys("Anyone"))
    assert listing_status(lot, date(2020, 4, 1), LISTS, ENTRIES).status is ListingStatus.LISTED
    other = Lot(Scheme.NIOSH, "TC-84A-9999", maker_keys("Shanghai Dasheng"))
    assert listing_status(other, date(2020, 4, 1), LISTS, ENTRIES).status is \
        ListingStatus.NOT_LISTED


def test_a_list_never_speaks_for_another_scheme() -> None:
    lot = Lot(Scheme.NMPA, "国械注准20203140000", maker_keys("Lanshan Shendun Technology Co."))
    assert listing_status(lot, date(2020, 4, 10), LISTS, ENTRIES).status is \
        ListingStatus.NOT_LISTED


def test_name_keys_are_careful() -> None:
    assert name_key("Shenzhen Horb Technology Corp., Ltd") == \
        name_key("SHENZHEN HORB TECHNOLOGY CORP. LTD.") == "shenzhen horb technology"
    assert name_key("3M") == name_key("3M Company") == "3m"
    assert name_key("3M (China) Co., Ltd.") != name_key("3M")
    assert name_key("深圳市豪博科技有限公司") == "深圳市豪博科技"
    assert name_key("Co., Ltd.") == "co"  # a legal form alone is kept, not emptied
    assert split_scripts("Hangzhou Medical Textiles 杭州医用纺织品有限公司") == (
        "Hangzhou Medical Textiles", "杭州医用纺织品有限公司")
    assert maker_keys("Hangzhou Medical Textiles 杭州医用纺织品有限公司", None, "") == {
        "hangzhou medical textiles", "杭州医用纺织品"}


def facts(state: CertificateState, **dates: date | None) -> CertificateFacts:
    return CertificateFacts("FDA_EUA", state, **dates)


STRICT = EvidencePolicy(accept_unlisted=False)
OPEN = EvidencePolicy()


@pytest.mark.parametrize("state", [CertificateState.INVALID, CertificateState.DOUBTFUL,
                                   CertificateState.COUNTERFEIT])
def test_some_states_never_count(state: CertificateState) -> None:
    assert not counts_for_matching(facts(state), date(2020, 4, 10), OPEN)


def test_a_removed_maker_counts_before_its_removal_and_never_after() -> None:
    removed = facts(CertificateState.REMOVED, listed_from=date(2020, 4, 3),
                    listed_until=date(2020, 5, 7))
    assert counts_for_matching(removed, date(2020, 4, 10), STRICT)
    assert not counts_for_matching(removed, date(2020, 5, 7), OPEN)
    assert not counts_for_matching(removed, date(2020, 4, 1), STRICT)  # not yet listed
    verified_then_removed = facts(CertificateState.VERIFIED, listed_until=date(2020, 5, 7))
    assert not counts_for_matching(verified_then_removed, date(2020, 6, 1), OPEN)


def test_unlisted_certificates_count_only_under_an_open_policy() -> None:
    for state in (CertificateState.DECLARED, CertificateState.NOT_LISTED):
        assert counts_for_matching(facts(state), date(2020, 4, 10), OPEN)
        assert not counts_for_matching(facts(state), date(2020, 4, 10), STRICT)
    assert counts_for_matching(facts(CertificateState.VERIFIED), date(2020, 4, 10), STRICT)


def test_an_expired_certificate_does_not_count() -> None:
    expired = facts(CertificateState.VERIFIED, valid_until=date(2020, 3, 31))
    assert not counts_for_matching(expired, date(2020, 4, 1), OPEN)
    assert counts_for_matching(expired, date(2020, 3, 31), OPEN)


def test_counted_schemes() -> None:
    lot = [CertificateFacts("NMPA", CertificateState.DECLARED),
           CertificateFacts("FDA_EUA", CertificateState.INVALID)]
    assert counted_schemes(lot, date(2020, 4, 10), OPEN) == {"NMPA"}


def test_the_automatic_check_never_overrides_a_decision() -> None:
    listed = listing_status(eua("Lanshan Shendun Technology"), date(2020, 4, 10), LISTS, ENTRIES)
    assert automatic_state(CertificateState.DECLARED, listed) is CertificateState.LISTED
    assert automatic_state(CertificateState.LISTED, None) is CertificateState.DECLARED
    for kept in (CertificateState.VERIFIED, CertificateState.COUNTERFEIT,
                 CertificateState.INVALID):
        assert automatic_state(kept, listed) is kept
    assert coordinator_may_set(CertificateState.NOT_LISTED, CertificateState.VERIFIED)
    assert not coordinator_may_set(CertificateState.INVALID, CertificateState.VERIFIED)
    assert not coordinator_may_set(CertificateState.VERIFIED, CertificateState.LISTED)
