"""API Gateway REST APIs: the control plane (``provider``) and the data plane serving deployed stages."""
