#!/bin/sh
# deb/rpm post-install: register the system-wide XDG autostart entry and the systemd user unit.
set -e
install -D -m 0644 "/opt/AI Factory Posture/resources/linux/ai-factory-posture-autostart.desktop" /etc/xdg/autostart/ai-factory-posture.desktop
install -D -m 0644 "/opt/AI Factory Posture/resources/linux/posture-agent.service" /usr/lib/systemd/user/posture-agent.service
install -d -m 0755 /etc/ai-factory-posture
