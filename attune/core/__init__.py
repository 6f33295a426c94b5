"""Pure domain: no I/O, no database, no media. Everything here is a frozen dataclass,
an enum or a function of them."""
