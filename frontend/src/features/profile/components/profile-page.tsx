export function ProfilePage() {
  return <h1 className="text-lg font-semibold">Profile</h1>;
}
