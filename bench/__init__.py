"""Benchmarks (`make bench`): seed demo, force and national datasets on PostgreSQL and time the busiest pages.

Not part of the service: nothing in the apps imports this package. See bench/README.md.
"""
