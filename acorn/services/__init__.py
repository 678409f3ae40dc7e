"""The service layer: business steps that tie the domain, the store and the SP-API client.

Prefect tasks call these functions; tests call them directly as well. A step receives its
ports (``acorn.services.ports``) instead of building them: ``units`` opens a unit of work per
business step, ``client`` is Amazon (the real ``SpApiClient``, or the fake Amazon of the fast
tests). Each step takes the business time ``as_of`` instead of reading the clock, so any day
can be rerun.
"""
