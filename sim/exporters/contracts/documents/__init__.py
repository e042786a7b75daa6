"""One template per contract: ``STYLE`` (numbering), ``FIELDS`` (value builders) and ``TEMPLATE``."""
