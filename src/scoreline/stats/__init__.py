"""Pure stat algorithms, one module per stat family; no I/O, no clock, no environment."""
