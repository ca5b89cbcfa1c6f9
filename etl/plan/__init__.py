"""Reading the yearly action plan of the National Migration Strategy (.docx or its text export)."""
