#!/bin/sh
# Rebuilds hashes.txt: each line is "scheme password hash", made by the real
# tools (Debian: openssl 3, whois's mkpasswd on libxcrypt, apache2-utils's
# htpasswd). Salts are random, so a rerun gives new lines that must still verify.
set -eu
cd "$(dirname "$0")"
out=hashes.txt
: > $out
add() { printf '%s %s %s\n' "$1" "$2" "$3" >> $out; }
add md5-crypt admin "$(openssl passwd -1 admin)"
add sha256-crypt 1234 "$(openssl passwd -5 1234)"
add sha512-crypt password "$(openssl passwd -6 password)"
add apr1-md5 admin "$(openssl passwd -apr1 admin)"
add des-crypt admin "$(mkpasswd -m descrypt admin)"
add des-crypt xc3511 "$(mkpasswd -m descrypt xc3511)"
add des-crypt 7ujMko0admin "$(mkpasswd -m descrypt 7ujMko0admin)"
add md5-crypt root "$(mkpasswd -m md5crypt root)"
add sha256-crypt vizxv "$(mkpasswd -m sha256crypt -R 10000 vizxv)"
add sha512-crypt admin "$(mkpasswd -m sha512crypt admin)"
add sha512-crypt root "$(mkpasswd -m sha512crypt -R 5000 root)"
add bcrypt admin "$(mkpasswd -m bcrypt -R 5 admin)"
add bcrypt 1234 "$(mkpasswd -m bcrypt-a -R 4 1234)"
add yescrypt root "$(mkpasswd -m yescrypt root)"
add yescrypt admin "$(mkpasswd -m yescrypt -R 3 admin)"
add bcrypt admin "$(htpasswd -nbB -C 5 u admin | cut -d: -f2)"
add apr1-md5 password "$(htpasswd -nbm u password | cut -d: -f2)"
add sha1-base64 admin "$(htpasswd -nbs u admin | cut -d: -f2)"
add des-crypt support "$(htpasswd -nbd u support | cut -d: -f2)"
add md5-hex admin "$(printf admin | md5sum | cut -d' ' -f1)"
add sha1-hex admin "$(printf admin | sha1sum | cut -d' ' -f1)"
add sha256-hex password "$(printf password | sha256sum | cut -d' ' -f1)"
