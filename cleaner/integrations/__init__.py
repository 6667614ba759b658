"""cleaner inside other people's pipelines: pandas (:mod:`cleaner.integrations.pandas`) and Dask
(:mod:`cleaner.integrations.dask`). Each module imports its library when used; install it with
the extra of the same name (``[pandas]``, ``[dask]``)."""
