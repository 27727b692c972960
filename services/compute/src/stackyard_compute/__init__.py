"""Stackyard compute service: Nova: instances, flavors, server groups, availability zones,
consoles.
"""
