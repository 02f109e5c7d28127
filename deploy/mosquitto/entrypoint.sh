#!/bin/sh
# Makes Mosquitto's password file from the environment, then runs Mosquitto. Every user named in
# the ACL (deploy/mosquitto/acl) gets the password in MQTT_PASSWORD_<USER> (upper case, - as _:
# MQTT_PASSWORD_IOT_MOCK, MQTT_PASSWORD_OPS, ...). A user without one cannot log in.
set -eu
acl=/mosquitto/config/acl
passwd=/mosquitto/run/passwd
mkdir -p /mosquitto/run
: >"$passwd"
chmod 0600 "$passwd"
for user in $(awk '$1 == "user" { print $2 }' "$acl"); do
  var="MQTT_PASSWORD_$(echo "$user" | tr 'a-z-' 'A-Z_')"
  eval "password=\${$var:-}"
  if [ -z "$password" ]; then
    echo "entrypoint: $var is not set; broker user $user cannot log in" >&2
    continue
  fi
  mosquitto_passwd -b "$passwd" "$user" "$password"
done
chown -R mosquitto:mosquitto /mosquitto/run 2>/dev/null || true
exec /usr/sbin/mosquitto -c /mosquitto/config/mosquitto.conf
