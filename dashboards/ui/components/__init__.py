"""Layout pieces shared by pages: the shell, chart blocks, deferred sections."""
