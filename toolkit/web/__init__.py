"""The local web app (`guichets serve`): every page is a projection of one library call.

Bound to 127.0.0.1, guarded by a secret token and CSRF tokens, French, offline (no remote
asset). See :mod:`toolkit.web.server` to run it and :mod:`toolkit.web.app` for the routes.
"""
