// Tools: what a model can call that the server runs itself. `Tool` is one callable (name,
// description, JSON-Schema parameters, `call(arguments:)`); `CalculatorTool` is built in,
// `HTTPTool` POSTs the arguments to a configured URL; `MCPTool` calls a tool of an MCP server
// (a stdio child or an HTTP endpoint) through `MCPConnection`; `ToolRegistry` holds the tools a
// configuration file declares. A tool never throws anything but `ToolError`, never runs longer than
// its timeout, and never returns more than its size limit: a tool can fail, it cannot wedge a request.
