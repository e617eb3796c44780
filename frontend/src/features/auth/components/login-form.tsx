import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { errorMessage, isApiError } from '@/lib/api-error';

import { useLogin } from '../api/auth';

const schema = z.object({
  username: z.string().trim().min(1, 'Enter your username or email.'),
  password: z.string().min(1, 'Enter your password.'),
});
type Values = z.infer<typeof schema>;

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const login = useLogin();
  const { register, handleSubmit, setError, formState } = useForm<Values>({ resolver: zodResolver(schema) });
  const onSubmit = handleSubmit((values) =>
    login.mutateAsync(values).then(onSuccess, (e: unknown) => {
      if (isApiError(e)) {
        const fields = e.fieldErrors();
        for (const [field, message] of Object.entries(fields)) {
          if (field === 'username' || field === 'password') setError(field, { message });
        }
        if (Object.keys(fields).some((f) => f === 'username' || f === 'password')) return;
      }
      setError('root', { message: errorMessage(e) });
    }),
  );
  const { errors, isSubmitting } = formState;
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <TextField label="Username or email" autoComplete="username" error={errors.username?.message} {...register('username')} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...register('password')} />
      {errors.root && (
        <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
          {errors.root.message}
        </p>
      )}
      <Button type="submit" variant="primary" loading={isSubmitting}>
        Sign in
      </Button>
    </form>
  );
}
