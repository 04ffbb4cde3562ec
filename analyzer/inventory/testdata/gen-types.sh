#!/bin/sh
# Rebuilds types/: one small file per content type, named by what it is NOT
# (misleading names on purpose: classification must read content).
set -eu
cd "$(dirname "$0")"; d=types; rm -rf $d; mkdir $d
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=fixture \
	-keyout $d/key.txt -out $d/cert.txt 2>/dev/null
openssl x509 -in $d/cert.txt -outform DER -out $d/cert-der.dat
python3 -c "import sqlite3; c=sqlite3.connect('$d/db.txt'); c.execute('create table t(a)'); c.commit()"
printf 'a small text\n' | gzip -9n > $d/archive.txt
printf '#!/bin/sh\necho hi\n' > $d/shell.lua
printf '#!/usr/bin/lua\nprint(1)\n' > $d/lua.sh
printf 'local uci = require("uci")\nfunction f()\n  return 1\nend\n' > $d/lua-noshebang.txt
printf '#!/usr/bin/env python3\nprint(1)\n' > $d/python.sh
printf '<?php echo 1; ?>\n' > $d/php.html
printf '<!DOCTYPE html>\n<html><head><title>x</title></head><body></body></html>\n' > $d/html.js
printf 'function f(a) { var x = document.getElementById(a); return x; }\n' > $d/js.css
printf 'body {\n  color: red;\n}\n.a #b { margin: 0; }\n' > $d/css.txt
printf "config interface 'lan'\n\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n" > $d/uci.sh
printf 'Just some words.\nNothing configured here at all\n' > $d/text.conf
head -c 3000 /dev/urandom > $d/data.txt
: > $d/empty.bin
