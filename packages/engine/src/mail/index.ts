export { type MailMessage, type MailSender, smtpMailSender } from './mail-sender.js';
