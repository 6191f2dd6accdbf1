#!/bin/sh
# deb/rpm post-remove: drop what after-install.sh registered (managed.json stays: it is the admin's).
rm -f /etc/xdg/autostart/ai-factory-posture.desktop /usr/lib/systemd/user/posture-agent.service
