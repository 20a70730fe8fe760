from enum import StrEnum


class ContractError(StrEnum):
    NUMBER_TAKEN = "number_taken"
    REQUIRED = "required"
    DATES = "dates"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    OPPORTUNITY_UNKNOWN = "opportunity_unknown"
    OPPORTUNITY_CUSTOMER = "opportunity_customer"
