"""Figure and table builders (pure) and ``render_*`` widgets."""
