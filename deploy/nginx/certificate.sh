#!/bin/sh
# A self-signed certificate for local use, made once into the proxy's certificate volume (docker-compose.yml).
# For real use put a certificate and key from your certificate authority at server.crt and server.key in that
# volume (or mount them there): this script then leaves them alone.
set -eu
directory="${CERTIFICATE_DIRECTORY:-/etc/nginx/certificates}"
name="${TLS_COMMON_NAME:-localhost}"
if [ -s "$directory/server.crt" ] && [ -s "$directory/server.key" ]; then
    exit 0
fi
mkdir -p "$directory"
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -sha256 \
    -subj "/CN=$name" -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$directory/server.key" -out "$directory/server.crt"
chmod 600 "$directory/server.key"
echo "Made a self-signed certificate for $name (local use only)."
