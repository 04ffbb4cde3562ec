#!/bin/sh
# Rebuilds rootfs/, a small root tree whose secrets are made by the real tools
# (Debian: openssl 3, whois's mkpasswd, apache2-utils's htpasswd, openssh's
# ssh-keygen, dropbear-bin's dropbearkey, gcc-arm-linux-gnueabi). Keys and
# salts are random: expected fingerprints are recorded in want.txt by this
# script, not typed by hand.
set -eu
cd "$(dirname "$0")"
rm -rf rootfs want.txt
R=rootfs
mkdir -p $R/etc/init.d $R/etc/ssl/private $R/etc/ssl/certs $R/etc/dropbear $R/etc/ssh $R/www $R/usr/bin $R/etc/config
want() { echo "$*" >> want.txt; }

# Accounts: root with an empty password, admin with a DES hash of "admin",
# a locked daemon, an extra UID 0 account "toor" with SHA-512 crypt of "root",
# "op" with yescrypt of "admin", "svc" with a strong random password and no shell.
cat > $R/etc/passwd <<P
root:x:0:0:root:/root:/bin/ash
admin:x:1000:1000::/home/admin:/bin/sh
daemon:*:1:1:daemon:/var:/bin/false
toor:x:0:0::/root:/bin/sh
op:x:1001:1001::/home/op:/bin/sh
svc:x:1002:1002::/var/svc:/sbin/nologin
ftp:x:55:55::/var/ftp:/bin/false
P
{
  echo "root::19000:0:99999:7:::"
  echo "admin:$(mkpasswd -m descrypt admin):19000:0:99999:7:::"
  echo "daemon:*:19000:0:99999:7:::"
  echo "toor:$(mkpasswd -m sha512crypt root):19000:0:99999:7:::"
  echo "op:$(mkpasswd -m yescrypt admin):19000:0:99999:7:::"
  echo "svc:$(mkpasswd -m sha256crypt "$(openssl rand -hex 12)"):19000:0:99999:7:::"
  echo "ftp:!!:19000::::::"
} > $R/etc/shadow
cp $R/etc/shadow $R/etc/shadow-
cp $R/etc/passwd $R/etc/passwd-
want "empty-password root etc/shadow"
want "empty-password root etc/shadow-"

# Web password stores.
htpasswd -cbB -C 5 $R/www/.htpasswd webadmin admin 2>/dev/null
htpasswd -bm $R/www/.htpasswd guest guest 2>/dev/null
htpasswd -bs $R/www/.htpasswd user 1234 2>/dev/null
htpasswd -bd $R/www/.htpasswd support support 2>/dev/null
printf 'admin:password\n' > $R/etc/lighttpd.user

# Scripts and configs with hard-coded logins.
cat > $R/etc/init.d/rcS <<'S'
#!/bin/sh
# telnetd -l /bin/login   (commented out: not a finding)
telnetd -l /bin/sh -p 2323 &
echo "root:admin" | chpasswd
curl -s -u cloud:Cl0udPass! https://update.example.com/check
S
cat > $R/etc/hostapd.conf <<'S'
interface=wlan0
ssid=Device
wpa_passphrase=Factory-WiFi-2020
S
printf 'rocommunity public\n' > $R/etc/snmpd.conf
printf 'http_username=admin\nhttp_passwd=admin\n' > $R/etc/nvram.default
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > $R/etc/aws.conf

# TLS: a self-signed server certificate valid for 30 days from today, whose
# key ships in the image, and a SHA-1 signed one with a 1024-bit key.
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj /CN=device.local \
  -keyout $R/etc/ssl/private/server.key -out $R/etc/ssl/certs/../server.crt 2>/dev/null
openssl req -x509 -newkey rsa:1024 -nodes -sha1 -days 3650 -subj /CN=legacy.local \
  -keyout /tmp/legacy.key -out $R/etc/ssl/legacy.crt 2>/dev/null
want "certificate-not-after $(openssl x509 -in $R/etc/ssl/server.crt -noout -enddate | cut -d= -f2)"
want "server-key-spki $(openssl pkey -in $R/etc/ssl/private/server.key -pubout -outform DER | sha256sum | cut -d' ' -f1)"
# A CA bundle: three certificates from Debian's ca-certificates.
awk '/BEGIN CERT/{n++} n<=3' /etc/ssl/certs/ca-certificates.crt > $R/etc/ssl/certs/ca-certificates.crt
# An EC key in SEC 1 form, and an encrypted PKCS#8 key.
openssl ecparam -name prime256v1 -genkey -noout -out $R/etc/ec.key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -aes-128-cbc -pass pass:secret -out $R/etc/enc.key 2>/dev/null
want "ec-key-spki $(openssl pkey -in $R/etc/ec.key -pubout -outform DER | sha256sum | cut -d' ' -f1)"

# SSH: an OpenSSH ed25519 host key and dropbear host keys of three types;
# an empty placeholder like OpenWrt's.
ssh-keygen -q -t ed25519 -N '' -C '' -f $R/etc/ssh/ssh_host_ed25519_key
rm $R/etc/ssh/ssh_host_ed25519_key.pub
want "openssh-fp $(ssh-keygen -lf $R/etc/ssh/ssh_host_ed25519_key | cut -d' ' -f2)"
for t in rsa ecdsa ed25519; do
  dropbearkey -t $t -s $( [ $t = rsa ] && echo 1024 || ([ $t = ecdsa ] && echo 256) || echo 256) -f $R/etc/dropbear/dropbear_${t}_host_key >/dev/null 2>&1
  want "dropbear-fp $t $(dropbearkey -y -f $R/etc/dropbear/dropbear_${t}_host_key | sed -n 's/^Fingerprint: //p')"
done
: > $R/etc/dropbear/dropbear_dss_host_key

# A DER key planted in an ARM binary, and a binary holding only PEM marker
# strings (like libmpr.so's and sshd's) that must not be reported.
openssl genrsa -traditional -out /tmp/planted.pem 1024 2>/dev/null
openssl rsa -in /tmp/planted.pem -outform DER -out /tmp/planted.der 2>/dev/null
want "planted-spki $(openssl rsa -in /tmp/planted.pem -pubout -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1)"
{
  echo '#include <stdio.h>'
  echo 'static const unsigned char key[] = {'
  od -An -v -tx1 /tmp/planted.der | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
  echo '};'
  echo 'static const char *marks[] = {"-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",'
  echo '  "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----"};'
  echo 'static const char *login = "CGI_PASS";'
  echo 'static const char *expect = "d033e22ae348aeb5660fc2140aec35850c4da997";'
  echo 'int main(void) { printf("%p %p %s %s", (void *)key, (void *)marks, login, expect); return 0; }'
} > /tmp/keyd.c
arm-linux-gnueabi-gcc -Os -s -o $R/usr/bin/keyd /tmp/keyd.c
rm -f /tmp/planted.pem /tmp/planted.der /tmp/keyd.c /tmp/legacy.key
