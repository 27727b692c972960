"""The tenant offerings' plugin options, as marketplace's order events carry them."""
