"""KMS: real keys and real cryptography (AES-GCM, RSA, ECDSA, HMAC) on fogbank's store and clock."""
