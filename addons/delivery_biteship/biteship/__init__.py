from .client import (
    BiteshipAuthError,
    BiteshipBadResponse,
    BiteshipClient,
    BiteshipConnectionError,
    BiteshipError,
    BiteshipRequestError,
    BiteshipServerError,
    BiteshipTimeout,
)
