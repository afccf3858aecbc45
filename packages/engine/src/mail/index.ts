export {
  type MailMessage,
  type MailSender,
  smtpMailSender,
  type ThreadedMailMessage,
  type ThreadedMailSender,
} from './mail-sender.js';
export { parseMail } from './parse-mail.js';
