// A tiny MCP server over stdio for the tool tests (filled in by the MCP work).
print("placeholder")
