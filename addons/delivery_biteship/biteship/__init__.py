from .client import BiteshipClient
from .errors import (
    BiteshipAuthError,
    BiteshipBadResponse,
    BiteshipConnectionError,
    BiteshipError,
    BiteshipNotFound,
    BiteshipRateLimited,
    BiteshipRequestError,
    BiteshipServerError,
    BiteshipTimeout,
)
