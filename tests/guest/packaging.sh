#!/bin/sh
# netlat-timeout: 900
# Packaging as an operator meets it.  The host half (packaging.host) has
# built, like a build host: a DKMS binaries-only tarball and a staged
# make install.  Here: dkms ldtarball + install into the guest's module
# tree, modprobe, traffic, modprobe -r, dkms remove; the staged install in
# place, modprobe, modinfo shows what a package should, make uninstall;
# make dkms-install on the real paths; make sign.
# The host's root is read-only in the guest: /usr/src, /var/lib/dkms and
# /usr/local get tmpfs overlays.  /lib/modules becomes a tmpfs tree for this
# kernel with its module lists and build link and, of Debian's modules,
# veth only: depmod over all 4000 compressed modules takes over 40 s a time
# under TCG, and dkms install, dkms remove, make install and make uninstall
# each run it.  What the test uses (overlay, veth) is loaded before.
. "$NETLAT_TREE/tests/guest/lib.sh"
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$NETLAT_TREE/dkms.conf")
PKG=$NETLAT_TREE/build/$KVER/pkg

command -v dkms > /dev/null || { fail "dkms is not installed (tests/setup.sh)"; finish; exit 1; }
for d in /usr/src /var/lib/dkms /usr/local; do
	check "writable $d (overlay)" writable $d || exit 1
done
setup_veth
mkdir -p /run/modules/$KVER
cp -P /lib/modules/$KVER/modules.order /lib/modules/$KVER/modules.builtin* \
	/lib/modules/$KVER/build /lib/modules/$KVER/source /run/modules/$KVER/
# and one of Debian's modules, so that depmod's list shows how the kernel's
# modules are compressed: dkms names what it installs after it
veth=$(modinfo -k "$KVER" -F filename veth)
mkdir -p "/run/modules/$(dirname "${veth#/lib/modules/}")"
cp "$veth" "/run/modules/${veth#/lib/modules/}"
check "a module tree with veth of Debian's modules only" mount --bind /run/modules /lib/modules || exit 1
depmod -a "$KVER"
# modinfo NAME finds a module only through the module tree, never a file
nomod() { ! modinfo -k "$KVER" netlat > /dev/null 2>&1; }

log "== DKMS"
check "no netlat in the module tree yet" nomod
check "make dkms-install: the sources in /usr/src/netlat-$VER, dkms add" \
	make -s -C "$NETLAT_TREE" dkms-install
check "DKMS got the module sources only" \
	[ "$(cd /usr/src/netlat-$VER && ls | tr '\n' ' ')" = "Kbuild dkms.conf include module " ]
dkms status netlat
check "dkms remove (the source registration)" dkms remove netlat/$VER --all
check "dkms ldtarball (binaries built on the host for $KVER)" dkms ldtarball "$PKG/netlat-dkms.tar.gz"
check "dkms install -k $KVER" dkms install -k "$KVER" netlat/$VER
dkms status netlat
check "installed under updates/dkms" ls /lib/modules/$KVER/updates/dkms/netlat.ko*
check "modprobe netlat" modprobe netlat
check "the DKMS module is the one loaded" sh -c "modinfo -F filename netlat | grep -q updates/dkms"
pingpong "$PATH_VETH" 100 100 > /dev/null
check "/proc/netlat populated: $(stage tx_total count) tx samples" [ "$(stage tx_total count)" = 200 ]
check "modprobe -r netlat" modprobe -r netlat
check "dkms remove" dkms remove netlat/$VER --all
check "no netlat left after dkms remove" nomod

log "== make install (staged on the host) / make uninstall"
check "staged module" sh -c "ls $PKG/stage/lib/modules/$KVER/updates/*/netlat.ko* $PKG/stage/lib/modules/$KVER/updates/netlat.ko* 2> /dev/null | grep -q ."
(cd "$PKG/stage" && tar -cf - lib usr) | tar -xf - -C /
depmod -a "$KVER"
check "modprobe netlat after make install" modprobe netlat
modinfo netlat | tee "$OUT/modinfo.txt"
F=$OUT/modinfo.txt
for field in "license:        GPL" "version:        $VER" "description:" \
	"parm:           table_size" "parm:           expire_ms" "parm:           sample" \
	"parm:           ports" "parm:           netns" "parm:           directions" \
	"parm:           reset"; do
	check "modinfo shows '$field'" grep -q "^$field" "$F"
done
unset F
check "the tool is installed" /usr/local/bin/netlat --version
check "the man page is installed" test -f /usr/local/share/man/man8/netlat.8
check "modprobe -r" modprobe -r netlat
check "make uninstall" make -s -C "$NETLAT_TREE" uninstall KVER="$KVER" PREFIX=/usr/local
check "no netlat left after make uninstall" nomod
check "no tool left after make uninstall" test ! -e /usr/local/bin/netlat

log "== make sign"
mkdir -p /tmp/sign
cp "$KO" /tmp/sign/netlat.ko
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netlat test signing key/" \
	-keyout /tmp/sign/key.pem -out /tmp/sign/cert.pem 2> /dev/null
check "scripts/sign-file signs (as make sign does)" \
	/lib/modules/$KVER/build/scripts/sign-file sha256 /tmp/sign/key.pem /tmp/sign/cert.pem /tmp/sign/netlat.ko
check "modinfo names the signer" sh -c "modinfo -F signer /tmp/sign/netlat.ko | grep -q 'netlat test signing key'"
check "the signature is sha256" sh -c "modinfo -F sig_hashalgo /tmp/sign/netlat.ko | grep -q sha256"
check "the signed module loads (no enforcement here)" insmod /tmp/sign/netlat.ko
check "rmmod" unload_netlat
check_dmesg
finish
