"""Prefect tasks: one business step each, with its retry policy in the decorator.

Tasks take plain values (account code, business time) and call the service layer; the
logic lives below them so it is tested without Prefect.
"""
