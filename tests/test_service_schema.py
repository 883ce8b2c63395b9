"""Schemathesis against the service's own OpenAPI schema (/api/openapi.json), over a real server on
loopback with a valid token: for each operation, requests generated from the schema, valid and invalid,
a bounded number each. No answer is a 500, every answer matches the schema, and every error is the
documented bilingual JSON error.

Schemathesis's pytest loader for a schema behind a fixture (`from_fixture`) does not run under pytest
9 (it sets a node attribute pytest 9 removed), so each operation's strategy is driven by Hypothesis's
`@given` here, as Schemathesis documents for tests of one's own."""

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from service_harness import start_service

from indicators.tokens import TokenStore
from pipelines.paths import Paths
from pipelines.service import create_app

pytestmark = pytest.mark.slow
EXAMPLES = 20  # per operation and mode
DEADLINE = dt.timedelta(seconds=30)  # per example: an upload is checked in well under a second
# The operations and the modes that can generate requests for them, from the schema the app serves
# (building the app starts nothing). A request can break the schema only where it has something to get
# wrong: parameters, a body, or a token to leave out (/healthz has none).
SCHEMA = create_app(Paths.resolve("/nonexistent")).openapi()
CASES = [(method.upper(), path, mode) for path, methods in SCHEMA["paths"].items() for method, spec in methods.items()
         for mode in [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
         if mode == GenerationMode.POSITIVE or {"parameters", "requestBody", "security"} & set(spec)]


@pytest.fixture(scope="module", autouse=True)
def hypothesis_home(tmp_path_factory):
    """Hypothesis keeps what it learns under .hypothesis/ in the working directory: not in the tree."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    _, secret = TokenStore.at(home).create("pilot-440300", "模糊测试", actor="test")
    service = start_service(home, "--uploads-per-minute", "100000")  # every generated upload is checked
    yield service, secret
    service.stop()


@pytest.fixture(scope="module")
def api_schema(running):
    service, secret = running
    config = schemathesis.Config.from_dict({
        # The token for the schema's bearer scheme: Schemathesis also sends requests without it, and
        # expects them refused.
        "auth": {"openapi": {"HTTPBearer": {"bearer": secret}}},
        # A query parameter the schema does not name is ignored, as HTTP APIs do; not a malformed request.
        "generation": {"allow-extra-parameters": False},
    })
    return schemathesis.openapi.from_url(f"{service.url}/api/openapi.json", config=config)


def documented_error(ctx, response, case) -> None:
    """An error is {"error": {"status", "message_zh", "message_en"}} with the answer's status; the one
    other error body is a rejected upload's submission with its report."""
    if response.status_code < 400:
        return
    body = response.json()
    if "error" not in body:
        assert case.operation.path == "/api/v1/submissions" and response.status_code == 422, body
        assert body["status"] == "rejected" and body["report"]["errors"], body
        return
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message_zh", "message_en"}, body
    error = body["error"]
    assert error["status"] == response.status_code and error["message_zh"] and error["message_en"], body
    assert "Traceback" not in response.text


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_every_answer_is_as_documented_and_never_a_500(api_schema, method, path, mode):
    operation = api_schema[path][method]
    # Any bytes are a schema-valid upload, and the service's purpose is to reject the wrong ones (422,
    # with the report): for uploads, a rejection of valid-looking data is no failure.
    excluded = [positive_data_acceptance] if (method, path) == ("POST", "/api/v1/submissions") else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=DEADLINE, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def answers_as_documented(case) -> None:
        case.call_and_validate(additional_checks=[documented_error], excluded_checks=excluded)

    answers_as_documented()
