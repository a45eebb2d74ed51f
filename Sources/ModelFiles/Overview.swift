// Module ModelFiles: see ARCHITECTURE.md. (overview to be written with the module's first types)
