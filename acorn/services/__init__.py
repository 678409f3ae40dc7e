"""The service layer: business steps that tie the domain, the store and the SP-API client.

Prefect tasks call these functions; tests call them directly as well. Each step takes the
business time ``as_of`` instead of reading the clock, so any day can be rerun, and receives
the store (``units``) and Amazon (``client``) instead of building them (``acorn.services.ports``).
"""
