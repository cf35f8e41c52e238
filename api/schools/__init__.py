"""Schools (tenants): one deployment can hold many schools."""
