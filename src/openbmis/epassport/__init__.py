"""ePassport chip data: LDS parsing, passive authentication, trust store, BAC and secure messaging.

An eMRTD chip holds data groups (DG1 the MRZ, DG2 the face, DG14 security infos, DG15 the active-authentication
key...) and EF.SOD, a CMS SignedData over their hashes made by the issuing state's document signer (DSC), whose
certificate is issued by the country signing CA (CSCA).  Passive authentication checks that chain of trust and
the hashes, proving the data was written by the issuer and not altered; it does not prove the chip is not a
clone (that is active or chip authentication).

Typical use::

    store = TrustStore()
    store.add_path("/etc/openbmis/csca")          # CSCA files, master lists, PKD LDIF
    result = verify(sod_bytes, {1: dg1, 2: dg2}, trust_store=store, mrz=page_mrz)
    result.valid, result.steps, result.to_dict()

Sources: ICAO Doc 9303 Part 10 (LDS: EF.COM, data groups, EF.SOD), Part 11 (passive authentication, BAC,
secure messaging, Appendix D worked example), Part 12 (PKI: CSCA, DSC, link certificates, master lists, CRLs);
RFC 5652 (CMS); ISO/IEC 19794-5:2005 and 39794-5 (face image containers); BSI TR-03110 and TR-03111 (DG14
security infos, explicit EC parameters, plain ECDSA); RFC 5639 and SEC 2 (curve domain parameters).
"""

from .bac import (
    BacKeys,
    SecureMessaging,
    SessionKeys,
    complete_mutual_authentication,
    derive_bac_keys,
    mrz_information,
    mutual_authenticate_command,
    retail_mac,
)
from .errors import (
    BadLength,
    BadTag,
    EPassportError,
    ParseError,
    SecureMessagingError,
    TrailingData,
    TruncatedData,
    TrustStoreError,
    UnsupportedAlgorithm,
    UnsupportedVersion,
    WrongContentType,
)
from .lds import (
    DG1,
    DG2,
    DG14,
    DG15,
    EFCom,
    FaceImage,
    OptionalDetails,
    SecurityInfo,
    parse_data_group,
    parse_dg1,
    parse_dg2,
    parse_dg11,
    parse_dg12,
    parse_dg14,
    parse_dg15,
    parse_ef_com,
)
from .passive import DataGroupCheck, Step, VerificationResult, verify
from .sod import SOD, parse_sod
from .trust import ImportedItem, ImportReport, RejectedItem, TrustStore, parse_ldif

__all__ = [
    "DG1",
    "DG2",
    "DG14",
    "DG15",
    "SOD",
    "BacKeys",
    "BadLength",
    "BadTag",
    "DataGroupCheck",
    "EFCom",
    "EPassportError",
    "FaceImage",
    "ImportReport",
    "ImportedItem",
    "OptionalDetails",
    "ParseError",
    "RejectedItem",
    "SecureMessaging",
    "SecureMessagingError",
    "SecurityInfo",
    "SessionKeys",
    "Step",
    "TrailingData",
    "TruncatedData",
    "TrustStore",
    "TrustStoreError",
    "UnsupportedAlgorithm",
    "UnsupportedVersion",
    "VerificationResult",
    "WrongContentType",
    "complete_mutual_authentication",
    "derive_bac_keys",
    "mrz_information",
    "mutual_authenticate_command",
    "parse_data_group",
    "parse_dg1",
    "parse_dg2",
    "parse_dg11",
    "parse_dg12",
    "parse_dg14",
    "parse_dg15",
    "parse_ef_com",
    "parse_ldif",
    "parse_sod",
    "retail_mac",
    "verify",
]
