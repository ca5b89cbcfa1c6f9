"""Statistics: the declared series registry, period parsing and the validation rules for observations."""
