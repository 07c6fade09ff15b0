"""Sending e-mail through an SMTP server (aiosmtplib): the core's MailTransport."""
