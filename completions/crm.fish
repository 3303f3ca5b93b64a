complete --keep-order --exclusive --command crm --arguments "(COMPLETE=fish crm -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
