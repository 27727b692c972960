"""Glance images as the platform keeps them: per tenant, and the clouds' public ones."""
