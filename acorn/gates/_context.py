"""One Great Expectations context per process, built on first use.

``import great_expectations`` costs seconds, so nothing here runs at import time: the
first gate pays for the import, the ephemeral context, one pandas data source and one
validation definition per suite; every later gate reuses them. GX objects are not
documented as thread-safe and Prefect may run tasks in threads, so building and
running go through one lock (a validation takes tens of milliseconds).
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Any

from acorn.gates.suites import DOCUMENT, SUITES, Suite

_LOCK = threading.RLock()
_DATA_SOURCE = "acorn_gates"


@cache
def context() -> Any:
    """The process's ephemeral GX context, progress bars off."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # its INFO lines (temporary docs directories) mean nothing to an ops person
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    ctx.data_sources.add_pandas(_DATA_SOURCE)
    return ctx


@cache
def _validation_definition(suite_name: str) -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    spec: Suite = SUITES[suite_name]
    ctx = context()
    asset = ctx.data_sources.get(_DATA_SOURCE).add_dataframe_asset(suite_name)
    batch = asset.add_batch_definition_whole_dataframe(suite_name)
    suite = gx.ExpectationSuite(name=suite_name)
    for index, check in enumerate(spec.checks):
        expectation_class = getattr(gxe, check.expectation)
        suite.add_expectation(expectation_class(**check.kwargs, description=check.rule, meta={"acorn_check": index}))
    suite = ctx.suites.add(suite)
    return ctx.validation_definitions.add(gx.ValidationDefinition(name=suite_name, data=batch, suite=suite))


def validate(suite_name: str, frame: Any) -> Any:
    """Run the suite on ``frame``; the raw GX validation result.

    COMPLETE: every unexpected row is listed (the partial formats stop at 20), each by its
    document and the suite's keys, so one run of a many-document batch names every
    document at fault.
    """
    spec = SUITES[suite_name]
    with _LOCK:
        definition = _validation_definition(suite_name)
        return definition.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [DOCUMENT, *spec.keys]},
        )


def document(suite_name: str, validation: Any) -> str | None:
    """The Data Docs page of a failed validation (``None`` when Data Docs are not kept)."""
    from acorn.gates import data_docs

    with _LOCK:
        return data_docs.document_failure(context(), suite_name, validation)
