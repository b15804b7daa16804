"""Plots (matplotlib, Agg backend): functions that return Figure objects; never methods on results."""
