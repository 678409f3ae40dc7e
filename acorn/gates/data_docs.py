"""Great Expectations Data Docs for the gates: a filesystem site under ``<home>/data-docs/``.

Only a validation that *failed* is written, because that is what an alert points ops to
and because writing costs: measured here (2 cores), a validation takes 0.11 s, storing its
result and rebuilding the page and the index 0.2–0.5 s more. Passing gates (nearly all of
them) pay nothing. The failed results are kept as JSON in ``<home>/data-docs/results/``
(a filesystem results store of their own), so the index lists every failure of every run,
not only this process's: the context stays ephemeral and fast for everything else.

The site is switched on by the composition root (:func:`keep_data_docs`, called when the
runtime is built); without it (unit tests, a gate called alone) nothing is written.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()
_directory: Path | None = None
_sites: dict[Path, str] = {}  # directory -> the site (and results store) name in this process's context


def keep_data_docs(directory: Path | None) -> None:
    """Write failed validations' Data Docs under ``directory`` from now on (``None``: stop)."""
    global _directory
    _directory = None if directory is None else Path(directory).resolve()


def data_docs_dir() -> Path | None:
    return _directory


def index_path(directory: Path) -> Path:
    return Path(directory).resolve() / "index.html"


def document_failure(ctx: Any, suite_name: str, result: Any) -> str | None:
    """Store a failed validation ``result`` and render its page; its path (``None`` when switched off)."""
    directory = _directory
    if directory is None:
        return None
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    with _LOCK:
        site = _site(ctx, directory)
        key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
                                         run_id=result.meta["run_id"],
                                         batch_identifier=_batch_id(result.meta["active_batch_definition"]))
        ctx.stores[site].set(key, result)
        ctx.build_data_docs(site_names=[site], resource_identifiers=[key])
        url = ctx.get_docs_sites_urls(resource_identifier=key, site_names=[site])[0]["site_url"]
    return url.removeprefix("file://")


def _batch_id(batch: Any) -> str:
    """The batch id GX itself files results under (``<data source>-<asset>``)."""
    return f"{batch['datasource_name']}-{batch['data_asset_name']}"


def _site(ctx: Any, directory: Path) -> str:
    """The site for ``directory``, added to the context once."""
    if directory not in _sites:
        name = f"acorn_data_docs_{len(_sites)}"
        ctx.add_store(name, {"class_name": "ValidationResultsStore", "store_backend": {
            "class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory / "results")}})
        ctx.add_data_docs_site(site_name=name, site_config=_site_config(directory, name))
        _sites[directory] = name
    return _sites[directory]


def _site_config(directory: Path, results_store: str) -> dict[str, Any]:
    renderers = "great_expectations.render.renderer"
    return {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        "site_section_builders": {
            "validations": {"class_name": "DefaultSiteSectionBuilder", "source_store_name": results_store,
                            "renderer": {"module_name": renderers, "class_name": "ValidationResultsPageRenderer"}},
            "expectations": {"class_name": "DefaultSiteSectionBuilder", "source_store_name": "expectations_store",
                             "renderer": {"module_name": renderers, "class_name": "ExpectationSuitePageRenderer"}},
        },
    }
