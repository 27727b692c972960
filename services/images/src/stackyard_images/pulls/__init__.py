"""Keeping the image records in step with Glance: per tenant and per cloud."""
