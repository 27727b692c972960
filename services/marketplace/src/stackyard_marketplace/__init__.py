"""Stackyard marketplace service: Offerings, plans, components, orders, resources, order
processors, private offerings, lost-resource recovery.
"""
