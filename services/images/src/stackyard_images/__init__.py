"""Stackyard images service: Glance: images and streamed custom image upload."""
