#!/bin/sh
# netlat-kernel-args: module.sig_enforce=1
# Module signature enforcement, as on a Secure Boot host: booted with
# module.sig_enforce=1, the kernel refuses netlat unsigned and signed with
# a key it does not trust, while Debian's own signed modules still load.
# (Loading netlat signed with a trusted key needs that key in the kernel's
# keyring: MOK enrolment on a real host, see docs/install.md.)
. "$NETLAT_TREE/tests/guest/lib.sh"

check "booted with module.sig_enforce=1" grep -qw "module.sig_enforce=1" /proc/cmdline
check "a module signed by Debian loads" modprobe veth
cp "$KO" /tmp/netlat.ko
if insmod /tmp/netlat.ko 2> /tmp/err; then
	fail "the unsigned module loaded"
	rmmod netlat
else
	pass "the unsigned module is refused: $(cat /tmp/err)"
fi
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netlat wrong key/" \
	-keyout /tmp/key.pem -out /tmp/cert.pem 2> /dev/null
check "sign with a key the kernel does not trust" \
	/usr/src/linux-headers-$KVER/scripts/sign-file sha256 /tmp/key.pem /tmp/cert.pem /tmp/netlat.ko
check "the signature is there" sh -c "modinfo -F signer /tmp/netlat.ko | grep -q 'netlat wrong key'"
if insmod /tmp/netlat.ko 2> /tmp/err; then
	fail "the module signed with the wrong key loaded"
	rmmod netlat
else
	pass "the module signed with the wrong key is refused: $(cat /tmp/err)"
fi
check "netlat is not loaded" [ ! -e /proc/netlat ]
dmesg | grep -i 'rejected'
check "the kernel said why (unsigned, unavailable key)" \
	[ "$(dmesg | grep -ciE 'Loading of (unsigned module|module with unavailable key) is rejected')" -ge 2 ]
check_dmesg
finish
