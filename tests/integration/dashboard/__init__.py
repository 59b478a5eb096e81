"""The dashboard on both backends: the site, its pages and their tables."""
