"""The public surface and the exception tree (no network)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

import acorn.spapi as spapi
from acorn.contract import ContractError
from acorn.spapi import (
    REGION_HOSTS,
    TOKEN_URL,
    AuthError,
    ClientRequestError,
    HostUnreachable,
    InvalidSubmission,
    LwaCredentials,
    NetworkError,
    ReportNotDone,
    ResponseFormatError,
    ServerError,
    SpApiClient,
    SpApiError,
    SpApiHttpError,
    SubmissionOutcomeUnknown,
    ThrottledError,
    TransactionTimeout,
    default_token_url,
)

SECRET = "very-secret-client-secret-7f3a"
REFRESH = "Atzr|refresh-token-value-91bc"


def test_the_public_surface_is_exactly_what_flows_import() -> None:
    assert set(spapi.__all__) == {
        "REGION_HOSTS", "TOKEN_URL", "AuthError", "Backoff", "ClientRequestError", "ClientStats", "HostUnreachable",
        "InvalidSubmission", "LwaCredentials", "NetworkError", "Operation", "OperationStats", "RateLimit",
        "RateLimiter", "ReportNotDone", "ResponseFormatError",
        "RetryPolicy", "ServerError", "SpApiClient", "SpApiError", "SpApiHttpError", "SubmissionOutcomeUnknown",
        "ThrottledError", "TokenBucket", "TokenBucketLimiter", "TransactionTimeout", "default_token_url",
        "operation", "operations", "published_rate_limits", "region_base_url"}
    for name in spapi.__all__:
        assert getattr(spapi, name) is not None


@pytest.mark.parametrize(("child", "parent"), [
    pytest.param(SpApiHttpError, SpApiError, id="http"),
    pytest.param(ClientRequestError, SpApiHttpError, id="client-request"),
    pytest.param(AuthError, SpApiHttpError, id="auth"),
    pytest.param(ThrottledError, SpApiHttpError, id="throttled"),
    pytest.param(ServerError, SpApiHttpError, id="server"),
    pytest.param(SubmissionOutcomeUnknown, SpApiError, id="outcome-unknown"),
    pytest.param(NetworkError, SpApiError, id="network"),
    pytest.param(HostUnreachable, NetworkError, id="host-unreachable"),
    pytest.param(ResponseFormatError, SpApiError, id="format"),
    pytest.param(InvalidSubmission, SpApiError, id="invalid-submission"),
    pytest.param(InvalidSubmission, ContractError, id="invalid-submission-is-a-contract-error"),
    pytest.param(TransactionTimeout, SpApiError, id="transaction-timeout"),
    pytest.param(ReportNotDone, SpApiError, id="report-not-done"),
])
def test_the_exception_tree_matches_its_drawing(child: type, parent: type) -> None:
    assert issubclass(child, parent)
    assert spapi._exceptions.__doc__ and child.__name__ in spapi._exceptions.__doc__


def test_an_outcome_unknown_is_never_mistaken_for_a_definite_http_answer() -> None:
    assert not issubclass(SubmissionOutcomeUnknown, SpApiHttpError)


def test_every_error_carries_what_an_operator_needs() -> None:
    err = ClientRequestError("Request is missing or has invalid parameters", operation="getPurchaseOrder",
                             status_code=400, code="InvalidRequest", details="purchaseOrderNumber cannot be null",
                             request_id="rid-123")
    assert (err.operation, err.status_code, err.code, err.request_id) == ("getPurchaseOrder", 400, "InvalidRequest",
                                                                          "rid-123")
    assert str(err) == ("getPurchaseOrder HTTP 400 InvalidRequest: Request is missing or has invalid parameters "
                        "(purchaseOrderNumber cannot be null) [request id rid-123]")
    assert "rid-123" in repr(err)


def test_regions_and_token_endpoints() -> None:
    assert REGION_HOSTS == {"NA": "https://sellingpartnerapi-na.amazon.com",
                            "EU": "https://sellingpartnerapi-eu.amazon.com",
                            "FE": "https://sellingpartnerapi-fe.amazon.com"}
    assert TOKEN_URL == "https://api.amazon.com/auth/o2/token"
    assert default_token_url(REGION_HOSTS["EU"]) == TOKEN_URL
    assert default_token_url("http://127.0.0.1:8123/") == "http://127.0.0.1:8123/auth/o2/token"
    with pytest.raises(ValueError, match="unknown SP-API region"):
        SpApiClient.for_region("XX", credentials=_creds())


def _creds() -> LwaCredentials:
    return LwaCredentials(client_id="amzn1.application-oa2-client.acorn", client_secret=SecretStr(SECRET),
                          refresh_token=REFRESH)  # type: ignore[arg-type]  # plain str is accepted too


def test_credentials_and_client_never_show_their_secrets() -> None:
    creds = _creds()
    with SpApiClient.for_region("na", credentials=creds) as client:
        assert client.base_url == REGION_HOSTS["NA"] and client.token_url == TOKEN_URL
        shown = " ".join([repr(creds), str(creds), str(creds.model_dump()), creds.model_dump_json(), repr(client),
                          repr(client._sender._tokens)])
    assert SECRET not in shown and REFRESH not in shown
    assert creds.grant_form()["client_secret"] == SECRET  # only the token request body holds them
