"""Pure projections of computed stats into the documented output contracts."""
