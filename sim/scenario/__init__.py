"""The validated scenario and plans, and the only code that reads their files."""
