from .client import (
    TRANSIENT_ERRORS,
    BiteshipAuthError,
    BiteshipBadResponse,
    BiteshipClient,
    BiteshipConnectionError,
    BiteshipError,
    BiteshipRequestError,
    BiteshipServerError,
    BiteshipTimeout,
)
